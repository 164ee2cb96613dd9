import { expect, test } from '@playwright/test';
import { signUp } from './sign-up';

test('a person chooses their voice in Settings, and it is kept', async ({ page }) => {
  await signUp(page, 'voice');
  await page.goto('/settings');
  const voice = page.getByLabel('Voice');
  await expect(voice).toHaveValue('');
  await expect(voice.locator('option')).toHaveText(['Default (kal16)', 'kal16', 'slt', 'rms', 'awb']);
  // The built-in agent takes no prompt: the field says so rather than pretending.
  await expect(page.getByLabel('System prompt')).toBeDisabled();
  await expect(page.getByText('The built-in agent follows fixed rules and takes no prompt')).toBeVisible();

  await voice.selectOption('slt');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('status')).toHaveText('Saved. Your next conversation uses it.');
  await page.reload();
  await expect(page.getByLabel('Voice')).toHaveValue('slt');
});
