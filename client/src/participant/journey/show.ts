/**
 * The lazy side of My journey: the launcher imports this module only when the person opens the view, and it
 * mounts the view itself (so the phone's first load carries no dynamic-component code).
 */
import { mount, unmount } from 'svelte';
import JourneyView from './JourneyView.svelte';

/** Shows My journey inside `target`; the returned function removes it. */
export function showJourney(target: HTMLElement): () => void {
  const view = mount(JourneyView, { target });
  return () => void unmount(view);
}
