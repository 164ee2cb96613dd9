/**
 * When WebRTC does not come up, the conversation goes on over the socket (issue 9): the server
 * refuses the offer (`rtc_failed`), or never answers it. The refusal is played by the test's
 * relay of /ws, so this holds whatever the server's WebRTC does.
 */
import { expect, test } from './csp';
import type { Page } from '@playwright/test';
import { withFakeMicrophone } from './chromium';
import { signUp } from './sign-up';

test.use({ launchOptions: withFakeMicrophone('webrtc-question.wav') });

const EVENT_TIMEOUT = 90_000;

/** Relays /ws, except the page's rtc.offer: `refuse` answers it with rtc_failed, `drop` swallows it. */
async function interceptOffer(page: Page, how: 'refuse' | 'drop'): Promise<{ offers: number }> {
  const seen = { offers: 0 };
  await page.routeWebSocket('/ws', (ws) => {
    const server = ws.connectToServer();
    server.onMessage((message) => ws.send(message));
    ws.onMessage((message) => {
      const m = JSON.parse(String(message)) as { type?: string };
      if (m.type !== 'rtc.offer') return server.send(message);
      seen.offers++;
      if (how === 'refuse') ws.send(JSON.stringify({ type: 'error', code: 'rtc_failed', message: 'WebRTC is not available here', fatal: false }));
    });
  });
  return seen;
}

test('an offer refused with rtc_failed: the page says so, and the conversation goes on over the socket', async ({ page }) => {
  test.setTimeout(180_000);
  await signUp(page, 'rtc-refused');
  const seen = await interceptOffer(page, 'refuse');
  await page.goto('/talk');
  await page.getByLabel('Echo cancellation').uncheck();
  await page.getByRole('button', { name: 'Start talking' }).click();

  const transport = page.getByTestId('transport');
  await expect(transport).toHaveAttribute('data-phase', 'fallback');
  await expect(transport).toHaveAttribute('data-transport', 'socket');
  await expect(transport).toContainText('WebRTC is not available here');
  expect(seen.offers).toBe(1);
  // The refusal is shown as the transport, not as an error (outside main: Next's route announcer).
  await expect(page.getByRole('main').getByRole('alert')).toHaveCount(0);

  const conversation = page.getByRole('list', { name: 'Conversation' });
  await expect(conversation.locator('li[data-role="user"][data-final="true"]')).toContainText(/nine|six|times/, { timeout: EVENT_TIMEOUT });
  await expect(conversation.locator('li[data-role="agent"][data-final="true"]')).toContainText('54', { timeout: EVENT_TIMEOUT });
  const stats = page.getByTestId('playback-stats');
  await expect.poll(async () => Number(await stats.getAttribute('data-peak')), { timeout: EVENT_TIMEOUT }).toBeGreaterThan(0.05);
});

test('an offer never answered: the page falls back to the socket within a few seconds', async ({ page }) => {
  await signUp(page, 'rtc-unanswered');
  const seen = await interceptOffer(page, 'drop');
  await page.goto('/talk');
  await page.getByRole('button', { name: 'Start talking' }).click();
  const transport = page.getByTestId('transport');
  await expect(transport).toHaveAttribute('data-phase', 'connecting');
  await expect(transport).toHaveAttribute('data-phase', 'fallback', { timeout: 20_000 });
  await expect(transport).toContainText('did not connect');
  expect(seen.offers).toBe(1);
  await expect(page.getByTestId('agent-state')).toHaveAttribute('data-state', 'listening');
});
