/** What a person sees when the connection to the server drops mid-session. */
import { expect, test } from '@playwright/test';
import { signUp } from './sign-up';

test('a dropped connection says so and offers to reconnect', async ({ page }) => {
  await signUp(page);
  let dropped = false;
  // Let the real server answer, then cut the connection as a network failure would.
  await page.routeWebSocket('/ws', (ws) => {
    const server = ws.connectToServer();
    server.onMessage((message) => {
      ws.send(message);
      if (!dropped) {
        dropped = true;
        ws.close({ code: 4000, reason: 'network gone' });
      }
    });
  });
  await page.getByRole('button', { name: 'Start talking' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'connection to the server was lost' })).toContainText('Press Start');
  await expect(page.getByRole('button', { name: 'Start talking' })).toBeVisible();
});
