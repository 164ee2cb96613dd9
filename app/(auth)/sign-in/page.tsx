import { Suspense } from 'react';
import { AuthForm } from '../auth-form';

export const metadata = { title: 'Sign in · Parley' };

export default function SignInPage() {
  return (
    <Suspense>
      <AuthForm mode="sign-in" />
    </Suspense>
  );
}
