/** What the sign-in and sign-up form says when better-auth refuses, and where it points next. */
export interface AuthErrorReply {
  status: number;
  code?: string;
  message?: string;
}

export interface AuthErrorMessage {
  text: string;
  /** Offer the sign-in page: the email already has an account. */
  offerSignIn: boolean;
}

export function authErrorMessage(mode: 'sign-in' | 'sign-up', error: AuthErrorReply): AuthErrorMessage {
  if (error.status === 429) {
    return { text: 'Too many attempts from your network. Wait a minute, then try again.', offerSignIn: false };
  }
  // Sign-up says that an email is taken (README, "Accounts"): a new account signs straight in,
  // so success alone would tell the same. The person most likely already has an account.
  if (mode === 'sign-up' && (error.code === 'USER_ALREADY_EXISTS' || error.code === 'USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL')) {
    return { text: 'There is already an account with this email. Sign in instead, or use another email.', offerSignIn: true };
  }
  return { text: error.message || 'That did not work; please try again.', offerSignIn: false };
}
