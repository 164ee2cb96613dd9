/**
 * The Content-Security-Policy in Chromium: our pages run under it without a single violation
 * (the `csp` fixture fails any test that causes one), what it forbids is really refused, and
 * no page of ours can be put in a frame, not even by one of our own pages.
 */
import { expect, test } from './csp';
import { signUp } from './sign-up';

test('every page runs under the policy', async ({ page }) => {
  for (const path of ['/sign-in', '/sign-up', '/no-such-page']) {
    await page.goto(path);
    await expect(page.locator('body')).not.toBeEmpty();
  }
  await signUp(page, 'csp');
  for (const name of ['History', 'Settings', 'Talk']) {
    await page.getByRole('link', { name, exact: true }).click();
    await expect(page.getByRole('heading').first()).toBeVisible();
  }
});

test('refuses a script injected into a page', async ({ page, cspViolations }) => {
  await page.goto('/sign-in');
  const ran = await page.evaluate(async () => {
    const script = document.createElement('script');
    script.textContent = 'window.injectedRan = true';
    const reported = new Promise((resolve) => document.addEventListener('securitypolicyviolation', resolve, { once: true }));
    document.body.append(script);
    await reported;
    return (window as { injectedRan?: boolean }).injectedRan ?? false;
  });
  expect(ran).toBe(false);
  await expect.poll(() => cspViolations.some((v) => /script-src/.test(v))).toBe(true);
  cspViolations.splice(0); // provoked on purpose
});

test('refuses to show a page in a frame, even on one of our own pages', async ({ page, cspViolations }) => {
  await page.goto('/sign-in');
  await page.evaluate(async () => {
    const frame = document.createElement('iframe');
    frame.src = '/sign-up';
    const loaded = new Promise((resolve) => frame.addEventListener('load', resolve, { once: true }));
    document.body.append(frame);
    await loaded;
  });
  // The frame holds Chromium's error page, not ours.
  const framed = page.frames().find((f) => f !== page.mainFrame())!;
  expect(framed.url()).not.toContain('/sign-up');
  await expect(page.frameLocator('iframe').getByRole('button', { name: 'Sign up' })).toHaveCount(0);
  await expect.poll(() => cspViolations.some((v) => /frame-ancestors/.test(v))).toBe(true);
  cspViolations.splice(0); // provoked on purpose
});
