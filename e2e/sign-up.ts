import { expect, type Page } from '@playwright/test';
import crypto from 'node:crypto';

/** Signs a new person up through the page and lands on Talk. */
export async function signUp(page: Page, name = 'person'): Promise<string> {
  const email = `${name}-${crypto.randomUUID().slice(0, 8)}@example.com`;
  await page.goto('/sign-up');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill('a long enough password');
  await page.getByRole('button', { name: 'Sign up' }).click();
  await expect(page).toHaveURL(/\/talk$/);
  return email;
}
