import type { Metadata } from 'next';
import type { ReactNode } from 'react';
import './globals.css';
import { Providers } from './providers';

// Every page is rendered per request: each carries its own CSP nonce (server/http/security-headers.ts),
// and none, not even sign-in, may be kept by a shared cache.
export const dynamic = 'force-dynamic';

export const metadata: Metadata = {
  title: 'Parley',
  description: 'Talk with a voice agent that runs on your own machine.',
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body className="min-h-screen font-sans">
        <Providers>{children}</Providers>
      </body>
    </html>
  );
}
