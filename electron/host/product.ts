/** Product identity; the build replaces these from package.json so every entry point reports the same version. */
declare const __USC_VERSION__: string | undefined;

export const PRODUCT_NAME = 'Update Sync Console';
export const PRODUCT_VERSION = typeof __USC_VERSION__ === 'string' ? __USC_VERSION__ : '0.0.0-dev';
