/** What the phone's browser may offer: keeping the screen on, a short vibration. Each degrades to nothing. */

/**
 * Keeps the screen on while in a class, and returns a function that lets it sleep again. Where the browser
 * has the Screen Wake Lock API (a secure context) it holds a lock, re-acquired whenever the page becomes
 * visible again (browsers release it when hidden). Over plain HTTP on the clinic's LAN there is no such API:
 * then a tiny silent video loops, muted and inline, which phones treat as media playing and do not lock
 * for. A video may only start from a tap, so it starts at once when called from one (Join) and otherwise on
 * the first tap anywhere. `<html data-keep-awake>` says which is active: `wake-lock`, `video` or `pending`.
 */
export function keepScreenOn(): () => void {
  return 'wakeLock' in navigator ? holdWakeLock() : loopSilentVideo();
}

function holdWakeLock(): () => void {
  let lock: WakeLockSentinel | null = null;
  let isActive = true;
  const acquire = () => {
    if (!isActive || document.visibilityState !== 'visible') return;
    navigator.wakeLock.request('screen').then(
      (sentinel) => {
        lock = sentinel;
        document.documentElement.dataset.keepAwake = 'wake-lock';
      },
      () => {}, // Refused (battery saver, permissions): the class works without it.
    );
  };
  document.addEventListener('visibilitychange', acquire);
  acquire();
  return () => {
    isActive = false;
    document.removeEventListener('visibilitychange', acquire);
    delete document.documentElement.dataset.keepAwake;
    void lock?.release();
  };
}

/** The muted-video technique (as NoSleep.js does it; the two small files come from it, see public/media). */
function loopSilentVideo(): () => void {
  const root = document.documentElement;
  const video = document.createElement('video');
  video.muted = true;
  video.loop = true;
  video.playsInline = true;
  for (const attribute of ['muted', 'playsinline', 'loop']) video.setAttribute(attribute, '');
  video.setAttribute('aria-hidden', 'true');
  video.tabIndex = -1;
  video.className = 'keep-awake';
  video.src = `/media/keep-awake.${video.canPlayType('video/webm') ? 'webm' : 'mp4'}`;
  document.body.append(video);
  root.dataset.keepAwake = 'pending';

  let isWanted = true;
  const start = () => {
    if (!isWanted || !video.paused || document.visibilityState !== 'visible') return;
    video.play().then(
      () => {
        if (isWanted) root.dataset.keepAwake = 'video';
      },
      () => {}, // Not from a tap yet: the next tap tries again.
    );
  };
  const events = ['pointerdown', 'click', 'keydown'] as const;
  events.forEach((event) => window.addEventListener(event, start, { capture: true, passive: true }));
  document.addEventListener('visibilitychange', start);
  start();
  return () => {
    isWanted = false;
    events.forEach((event) => window.removeEventListener(event, start, { capture: true }));
    document.removeEventListener('visibilitychange', start);
    video.pause();
    video.remove();
    delete root.dataset.keepAwake;
  };
}

/** A gentle buzz on a new cue, where the browser allows it. */
export function buzz(): void {
  navigator.vibrate?.(40);
}
