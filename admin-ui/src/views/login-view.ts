import { LitElement, html, css } from 'lit';
import { api, ApiError, Me } from '../api';
import { shared } from '../styles';

export class LoginView extends LitElement {
  static override properties = { problem: { state: true }, busy: { state: true } };
  declare problem: string | null;
  declare busy: boolean;

  static override styles = [shared, css`
    form { max-width: 360px; margin: 10vh auto 0; display: flex; flex-direction: column; gap: 0.9rem; }
    button { justify-content: center; }
  `];

  constructor() {
    super();
    this.problem = null;
    this.busy = false;
  }

  private async submit(event: SubmitEvent) {
    event.preventDefault();
    const form = new FormData(event.target as HTMLFormElement);
    this.busy = true;
    this.problem = null;
    try {
      const me = await api.post<Me>('/api/auth/login', { email: String(form.get('email')), password: String(form.get('password')) });
      this.dispatchEvent(new CustomEvent('logged-in', { detail: me, bubbles: true, composed: true }));
    } catch (error) {
      this.problem = error instanceof ApiError && error.status === 400 ? 'Enter your email and password.' : (error as Error).message;
    } finally {
      this.busy = false;
    }
  }

  override render() {
    return html`
      <form class="card" @submit=${this.submit} novalidate>
        <h1>Log in to the helpdesk</h1>
        ${this.problem ? html`<p class="error" role="alert">${this.problem}</p>` : null}
        <div class="field">
          <label for="email">Email</label>
          <input id="email" name="email" type="email" autocomplete="username" required autofocus>
        </div>
        <div class="field">
          <label for="password">Password</label>
          <input id="password" name="password" type="password" autocomplete="current-password" required>
        </div>
        <button class="primary" type="submit" ?disabled=${this.busy}>${this.busy ? 'Logging in…' : 'Log in'}</button>
      </form>
    `;
  }
}
customElements.define('login-view', LoginView);
