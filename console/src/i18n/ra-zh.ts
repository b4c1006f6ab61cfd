import englishMessages from 'ra-language-english';

/**
 * react-admin's own messages in Simplified Chinese (no maintained package for react-admin 5 exists:
 * ra-language-chinese stops at v3). PLACEHOLDER: being translated.
 */
export const chineseMessages = englishMessages;
