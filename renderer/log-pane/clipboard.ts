/**
 * Puts text on the clipboard: the asynchronous Clipboard API where the page may use it (Electron, a loopback web
 * host), otherwise the older copy command on a hidden text area.
 */
export async function copyToClipboard(text: string): Promise<void> {
  if (typeof navigator !== 'undefined' && navigator.clipboard !== undefined) {
    try {
      await navigator.clipboard.writeText(text);
      return;
    } catch {
      // Refused (no focus, no permission): try the copy command below.
    }
  }
  const area = document.createElement('textarea');
  area.value = text;
  area.setAttribute('readonly', '');
  area.style.position = 'fixed';
  area.style.opacity = '0';
  document.body.append(area);
  const focused = document.activeElement instanceof HTMLElement ? document.activeElement : undefined;
  area.select();
  try {
    if (!document.execCommand('copy')) throw new Error('the browser refused the copy command');
  } finally {
    area.remove();
    focused?.focus();
  }
}
