/**
 * @module The agent console's entry: served by the Papo server at /console/.
 */
import { render } from 'preact';
import { App } from './shell/App';
import { locale } from './i18n/i18n';
import './styles.css';

document.documentElement.lang = locale;
render(<App />, document.getElementById('app')!);
