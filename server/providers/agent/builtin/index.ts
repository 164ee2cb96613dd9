/**
 * Parley's built-in dialog agent: a small, deterministic, offline assistant (not an AI model).
 * `createBuiltinAgent()` implements the Agent interface; `classifyIntent()` exposes its understanding for evaluation.
 */
export { BUILTIN_AGENT_NAME, composeReply, createBuiltinAgent, isCompleteRequest, rememberedName, splitSentences } from './agent';
export { classifyIntent, INTENT_NAMES, INTENTS, respond } from './intents';
export type { Classification, Intent, IntentName, ReplyContext, Slots } from './intents';
export { normalise } from './normalise';
export type { Utterance } from './normalise';
export { formatResult, numberToWords, parseNumber } from './numbers';
export { answer as answerArithmetic, evaluate, parseArithmetic } from './arithmetic';
export { domainPhrases, domainVocabulary, DOMAIN_NAMES, DOMAIN_PLACES } from './domain';
