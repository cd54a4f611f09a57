import '../lib/zod-without-eval';
import { mount } from 'svelte';
import InstructorApp from './InstructorApp.svelte';
import './instructor.css';

mount(InstructorApp, { target: document.getElementById('app')!, props: { path: location.pathname } });
