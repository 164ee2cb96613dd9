import { expect, test } from '@playwright/test';
import crypto from 'node:crypto';
import { signUp } from './sign-up';

test('a signed-out visit to the talk page lands on sign-in', async ({ page }) => {
  await page.goto('/talk');
  await expect(page).toHaveURL(/\/sign-in$/);
  await expect(page.getByRole('heading', { name: 'Sign in to Parley' })).toBeVisible();
});

test('sign up, sign out, sign in, and reach the talk page', async ({ page }) => {
  const email = `person-${crypto.randomUUID().slice(0, 8)}@example.com`;
  const password = 'a long enough password';

  await page.goto('/sign-up');
  await page.getByLabel('Name').fill('Pat');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign up' }).click();
  await expect(page).toHaveURL(/\/talk$/);
  await expect(page.getByTestId('signed-in-as')).toHaveText(email);

  const cookies = await page.context().cookies();
  const session = cookies.find((c) => c.name === 'better-auth.session_token');
  expect(session?.httpOnly).toBe(true);

  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/sign-in$/);
  await page.goto('/talk');
  await expect(page).toHaveURL(/\/sign-in$/);

  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill('the wrong password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert').filter({ hasText: /invalid/i })).toBeVisible();

  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/talk$/);
  await expect(page.getByRole('heading', { name: 'Talk' })).toBeVisible();
});

test('signing up with a registered email points to sign in', async ({ page }) => {
  const email = await signUp(page, 'taken');
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/sign-in$/);

  await page.goto('/sign-up');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill('another long password');
  await page.getByRole('button', { name: 'Sign up' }).click();
  const alert = page.getByRole('alert').filter({ hasText: /already an account with this email/ });
  await expect(alert).toBeVisible();
  await alert.getByRole('link', { name: 'Go to sign in' }).click();
  await expect(page).toHaveURL(/\/sign-in$/);
});

test('create and revoke a personal API token in settings', async ({ page, request }) => {
  await signUp(page, 'tokens');

  await page.getByRole('link', { name: 'Settings' }).click();
  await page.getByLabel('Token name').fill('my script');
  await page.getByRole('button', { name: 'Create token' }).click();
  const token = (await page.getByTestId('new-token').textContent()) ?? '';
  expect(token).toMatch(/^prl_/);
  const list = page.getByRole('list', { name: 'Your API tokens' });
  await expect(list.getByText('my script')).toBeVisible();

  const withToken = { headers: { authorization: `Bearer ${token}` } };
  expect((await request.get('/api/conversations', withToken)).status()).toBe(200);

  await list.getByRole('button', { name: 'Revoke' }).click();
  await expect(list.getByText('No tokens yet.')).toBeVisible();
  expect((await request.get('/api/conversations', withToken)).status()).toBe(401);
});

test('a token created while the token list is still loading is listed', async ({ page }) => {
  await signUp(page, 'token-race');
  // The list's first answer is fetched at once but delivered only after the token exists: what a
  // slow network or a quick person does. The page must not take that answer as the last word.
  let releaseFirstList!: () => void;
  const firstListHeld = new Promise<void>((resolve) => (releaseFirstList = resolve));
  let firstList = true;
  await page.route('**/api/tokens', async (route) => {
    const isFirstList = route.request().method() === 'GET' && firstList;
    if (isFirstList) firstList = false;
    const response = await route.fetch();
    if (isFirstList) await firstListHeld;
    await route.fulfill({ response });
  });

  await page.getByRole('link', { name: 'Settings' }).click();
  await page.getByLabel('Token name').fill('quick script');
  await page.getByRole('button', { name: 'Create token' }).click();
  await expect(page.getByTestId('new-token')).toHaveText(/^prl_/);
  releaseFirstList();
  await expect(page.getByRole('list', { name: 'Your API tokens' }).getByText('quick script')).toBeVisible();
});
