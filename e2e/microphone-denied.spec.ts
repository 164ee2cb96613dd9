/** What a person sees when the browser refuses the microphone. */
import { expect, test } from '@playwright/test';
import { CHROMIUM, CHROMIUM_ARGS } from './chromium';
import { signUp } from './sign-up';

// No auto-accepting fake permission UI: the browser refuses the microphone.
test.use({ launchOptions: { executablePath: CHROMIUM, args: CHROMIUM_ARGS.filter((a) => a !== '--use-fake-ui-for-media-stream') } });

test('a denied microphone says so and how to fix it', async ({ page }) => {
  await signUp(page);
  await page.getByRole('button', { name: 'Start talking' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'Microphone access was denied' })).toContainText('Allow the microphone');
  await expect(page.getByRole('button', { name: 'Start talking' })).toBeVisible();
});
