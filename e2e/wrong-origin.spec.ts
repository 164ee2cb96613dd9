/**
 * Parley opened at another address than PUBLIC_URL (127.0.0.1 instead of localhost): the
 * sign-in and sign-up forms say which PUBLIC_URL to set, not "Invalid origin".
 */
import { expect, test } from '@playwright/test';

for (const [path, button] of [['/sign-in', 'Sign in'], ['/sign-up', 'Sign up']] as const) {
  test(`${path} from another origin says what to set`, async ({ page, baseURL }) => {
    const other = baseURL!.replace('localhost', '127.0.0.1');
    await page.goto(`${other}${path}`);
    await page.getByLabel('Email').fill('someone@example.com');
    await page.getByLabel('Password').fill('a long enough password');
    await page.getByRole('button', { name: button }).click();
    const alert = page.getByRole('alert').filter({ hasText: 'PUBLIC_URL' });
    await expect(alert).toContainText(`set PUBLIC_URL=${other} on the server`);
    await expect(alert).toContainText(`Open ${baseURL} instead`);
    await expect(page.getByText(/invalid origin/i)).toHaveCount(0);
  });
}
