/**
 * Who is connecting. better-auth keys the sign-in limit on this address and records it on each
 * session, but inside Next's route handlers it sees headers only, never the socket. So the
 * custom server works the address out from the socket (and X-Forwarded-For, as far as
 * TRUST_PROXY allows) and hands it over in one header of ours, overwriting any copy a client
 * sent; better-auth reads that header and nothing else (server/auth/auth.ts).
 */
import type { IncomingMessage } from 'node:http';
import net from 'node:net';
import proxyAddr from 'proxy-addr';
import type { TrustProxy } from '../config';
import { log } from '../log';

export const CLIENT_ADDRESS_HEADER = 'x-parley-client-address';

/** Whether the hop at `address`, `hop` steps from the server (0: the TCP peer), is a trusted proxy. */
export type Trust = (address: string, hop: number) => boolean;

export function compileTrust(trust: TrustProxy): Trust {
  if ('hops' in trust) {
    const { hops } = trust;
    return (_address, hop) => hop < hops;
  }
  return proxyAddr.compile(trust.addresses);
}

/**
 * The TCP peer's address, unless the peer is a trusted proxy: then X-Forwarded-For is read from
 * the right, past each trusted proxy, and the first entry that is not one is the client. Entries
 * further left were written by the client and are never believed. An entry that is not an
 * address at all names nobody, so the hop that relayed it counts instead.
 */
export function clientAddress(req: IncomingMessage, trust: Trust): string | undefined {
  if (req.socket.remoteAddress === undefined) return undefined; // the connection is already gone
  const chain = proxyAddr.all(req, trust); // [peer, …, client], stopping at the first untrusted hop
  for (let i = chain.length - 1; i >= 0; i--) {
    if (net.isIP(chain[i]) !== 0) return chain[i];
  }
  return undefined;
}

/**
 * For every request and upgrade, before anything else reads it: CLIENT_ADDRESS_HEADER becomes
 * the address worked out here, whatever the client sent under that name.
 */
export function createClientAddressStamp(trust: TrustProxy, warn: (message: string) => void = (message) => log.warn(message)) {
  const isTrusted = compileTrust(trust);
  let warned = 'addresses' in trust || trust.hops > 0;
  return (req: IncomingMessage): void => {
    const address = clientAddress(req, isTrusted);
    if (address === undefined) delete req.headers[CLIENT_ADDRESS_HEADER];
    else req.headers[CLIENT_ADDRESS_HEADER] = address;
    if (!warned && req.headers['x-forwarded-for'] !== undefined) {
      warned = true;
      warn(
        'a request came with X-Forwarded-For, which is ignored while TRUST_PROXY is unset. If Parley is behind a ' +
          'reverse proxy, set TRUST_PROXY (e.g. TRUST_PROXY=1 for one proxy); otherwise every client counts as the proxy for sign-in limits.',
      );
    }
  };
}
