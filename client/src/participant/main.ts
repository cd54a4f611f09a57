import { mount } from 'svelte';
import type { PublicClassState } from '../../../shared/schemas/class';
import ParticipantApp from './ParticipantApp.svelte';
import './participant.css';

/** The class state the server put into the join page's HTML, so the cue shows before the socket connects. */
function readInitialState(): { class: PublicClassState | null } | null {
  const block = document.getElementById('attune-initial-state');
  return block?.textContent ? (JSON.parse(block.textContent) as { class: PublicClassState | null }) : null;
}

mount(ParticipantApp, {
  target: document.getElementById('app')!,
  props: { path: location.pathname, initial: readInitialState() },
});
