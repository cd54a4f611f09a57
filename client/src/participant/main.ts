import { mount } from 'svelte';
import type { PublicClassState } from '../../../shared/schemas/class';
import ParticipantApp from './ParticipantApp.svelte';
import './participant.css';

/** The class state the server put into the join page's HTML, so the cue shows before the socket connects. */
function readInitialState(): { class: PublicClassState | null } | null {
  const block = document.getElementById('attune-initial-state');
  return block?.textContent ? (JSON.parse(block.textContent) as { class: PublicClassState | null }) : null;
}

const target = document.getElementById('app')!;
// The server rendered the current cue into the page for the first paint; the app takes over from here.
target.replaceChildren();
mount(ParticipantApp, {
  target,
  props: { path: location.pathname, initial: readInitialState() },
});
