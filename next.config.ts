import type { NextConfig } from 'next';

const nextConfig: NextConfig = {
  // The custom server (server/main.ts) owns the process; these stay out of Next's bundles.
  serverExternalPackages: ['@electric-sql/pglite', 'pg', 'better-auth', 'ws'],
  poweredByHeader: false,
  reactStrictMode: true,
};

export default nextConfig;
