/** What the phone's browser may offer: keeping the screen on, a short vibration. Each degrades to nothing. */

/**
 * Holds a Screen Wake Lock while in a class, re-acquiring it when the page becomes visible again (browsers
 * release it whenever the page is hidden). Returns a function that lets the screen sleep again.
 */
export function keepScreenOn(): () => void {
  let lock: WakeLockSentinel | null = null;
  let isActive = true;
  const acquire = () => {
    if (!isActive || document.visibilityState !== 'visible' || !('wakeLock' in navigator)) return;
    navigator.wakeLock.request('screen').then(
      (sentinel) => (lock = sentinel),
      () => {}, // Refused (battery saver, permissions): the class works without it.
    );
  };
  document.addEventListener('visibilitychange', acquire);
  acquire();
  return () => {
    isActive = false;
    document.removeEventListener('visibilitychange', acquire);
    void lock?.release();
  };
}

/** A gentle buzz on a new cue, where the browser allows it. */
export function buzz(): void {
  navigator.vibrate?.(40);
}
