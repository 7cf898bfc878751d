// Base64 for age (the header raw, the armor padded): the one implementation in agent/base.
export { decodeBase64, encodeBase64 } from '../base/base64.ts';
