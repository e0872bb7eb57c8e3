/**
 * The operator's token lives in sessionStorage: gone when the tab closes, never in a cookie (so no request
 * the page did not make itself carries it) and never in the URL.
 */
const KEY = 'eventshop.console.token';

export const token = (): string | null => sessionStorage.getItem(KEY);
export const saveToken = (value: string): void => sessionStorage.setItem(KEY, value);
export const forgetToken = (): void => sessionStorage.removeItem(KEY);
