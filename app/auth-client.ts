'use client';
import { createAuthClient } from 'better-auth/react';

/** Same origin as the page: no URL, and no secret, ever reaches the browser. */
export const authClient = createAuthClient();
