/** The admin UI bundle: every screen registers itself; <helpdesk-admin> runs the app. */
import { interceptLinks } from './router';
import './app-shell';

interceptLinks(document);
