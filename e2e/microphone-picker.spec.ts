/**
 * The microphone picker (issue 9): it lists the inputs, the choice is remembered by this
 * browser, and choosing another while talking over WebRTC replaces the track the peer
 * connection sends (no renegotiation: the same sender, a new track from the chosen device).
 */
import { expect, test } from './csp';
import { withFakeMicrophone } from './chromium';
import { signUp } from './sign-up';
import { observePeers } from './webrtc-page';

test.use({ launchOptions: withFakeMicrophone('webrtc-question.wav') });

test('pick a microphone while talking: the peer connection sends it, and a reload remembers it', async ({ page }) => {
  await observePeers(page);
  await signUp(page, 'picker');
  await page.getByRole('button', { name: 'Start talking' }).click();
  await expect(page.getByTestId('transport')).toHaveAttribute('data-phase', 'connected', { timeout: 20_000 });

  const picker = page.getByRole('combobox', { name: 'Microphone' });
  // Chromium's fake devices: the default one and two more, named once the microphone is allowed.
  await expect(picker.getByRole('option', { name: 'Fake Audio Input 2' })).toBeAttached();
  const sentTrack = () =>
    page.evaluate(() => {
      const track = window.__testPeers?.at(-1)?.getSenders().find((s) => s.track?.kind === 'audio')?.track;
      return track ? { id: track.id, deviceId: track.getSettings().deviceId, state: track.readyState } : null;
    });
  const before = await sentTrack();
  expect(before?.state).toBe('live');

  await picker.selectOption({ label: 'Fake Audio Input 2' });
  const chosen = await picker.inputValue();
  expect(chosen).not.toBe('');
  await expect.poll(async () => (await sentTrack())?.deviceId).toBe(chosen);
  const after = await sentTrack();
  expect(after?.id).not.toBe(before?.id);
  expect(after?.state).toBe('live');
  // The same peer connection: replaced, not renegotiated.
  expect(await page.evaluate(() => window.__testPeers?.length)).toBe(1);
  await expect(page.getByTestId('transport')).toHaveAttribute('data-phase', 'connected');

  expect(await page.evaluate(() => localStorage.getItem('parley.microphone'))).toBe(chosen);
  await page.reload();
  await expect(page.getByRole('combobox', { name: 'Microphone' })).toHaveValue(chosen);
});
