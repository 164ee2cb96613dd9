import Link from 'next/link';

// Next's own 404 page styles itself with an inline <style>, which our CSP refuses.
export default function NotFound() {
  return (
    <main className="mx-auto mt-24 max-w-sm px-4 text-center">
      <h1 className="mb-4 text-2xl font-semibold">Page not found</h1>
      <p className="text-slate-600">
        There is nothing at this address. <Link href="/talk" className="text-indigo-600 underline">Go to Talk</Link>
      </p>
    </main>
  );
}
