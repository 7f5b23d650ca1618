import { css } from 'lit';

/**
 * The customer side's look. Every colour and size is a custom property, so a website can
 * restyle the widget from its own CSS (`helpdesk-widget { --helpdesk-accent: #c00 }`),
 * while the Shadow DOM keeps the two style sheets apart.
 */
export const customerStyles = css`
  :host {
    --_accent: var(--helpdesk-accent, #1d5bd6);
    --_accent-text: var(--helpdesk-accent-text, #fff);
    --_text: var(--helpdesk-text, #1d2330);
    --_muted: var(--helpdesk-muted, #5b6578);
    --_surface: var(--helpdesk-surface, #fff);
    --_border: var(--helpdesk-border, #ccd2dc);
    --_radius: var(--helpdesk-radius, 10px);
    --_font: var(--helpdesk-font, system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif);
  }
  /* On an inner element, not :host: the host page's own rules (say \`* { font-family: serif }\`)
     match the host element itself and would win there. */
  .root {
    font-family: var(--_font);
    color: var(--_text);
    font-size: 15px;
    line-height: 1.45;
    text-align: left;
  }
  *, *::before, *::after { box-sizing: border-box; }
  h1, h2, h3 { margin: 0 0 0.5rem; line-height: 1.25; }
  button {
    font: inherit; cursor: pointer; border-radius: calc(var(--_radius) * 0.6); border: 1px solid var(--_border);
    background: var(--_surface); color: var(--_text); padding: 0.45rem 0.9rem;
  }
  button.primary { background: var(--_accent); border-color: var(--_accent); color: var(--_accent-text); }
  button:disabled { opacity: 0.6; cursor: default; }
  button:focus-visible, input:focus-visible, textarea:focus-visible, a:focus-visible { outline: 3px solid color-mix(in srgb, var(--_accent) 45%, white); outline-offset: 1px; }
  a { color: var(--_accent); overflow-wrap: anywhere; }
  label { display: block; font-weight: 600; font-size: 0.85rem; margin-bottom: 0.2rem; }
  input, textarea {
    font: inherit; width: 100%; border: 1px solid var(--_border); border-radius: calc(var(--_radius) * 0.6);
    padding: 0.45rem 0.55rem; background: var(--_surface); color: var(--_text);
  }
  input[aria-invalid='true'], textarea[aria-invalid='true'] { border-color: #b42318; }
  textarea { resize: vertical; min-height: 6rem; }
  .field { margin-bottom: 0.7rem; }
  .field-error { color: #b42318; font-size: 0.85rem; margin-top: 0.2rem; }
  .error { color: #8c1d18; background: #fdecea; border: 1px solid #f3b8b2; border-radius: 6px; padding: 0.5rem 0.7rem; margin: 0.5rem 0; }
  .notice { color: #1c4d1c; background: #e9f7e9; border: 1px solid #b6dcb6; border-radius: 6px; padding: 0.5rem 0.7rem; margin: 0.5rem 0; }
  .muted { color: var(--_muted); }
  .small { font-size: 0.85rem; }
  .status { display: inline-block; border-radius: 999px; padding: 0.05rem 0.6rem; font-size: 0.8rem; font-weight: 700; }
  .status-new { background: #e3ecff; color: #1a47a8; }
  .status-in_progress { background: #fff2cc; color: #6d4f00; }
  .status-waiting { background: #efe3ff; color: #5a2a9e; }
  .status-closed { background: #e6e8ec; color: #454d5c; }
  .visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
`;
