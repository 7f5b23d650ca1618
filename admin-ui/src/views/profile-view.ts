import { LitElement, html, css } from 'lit';
import type { OperatorView } from '../../../api/schemas';
import { MAX_SIGNATURE_LENGTH, MIN_PASSWORD_LENGTH } from '../../../domain/operator';
import { api } from '../api';
import { forgetOperators } from '../operators';
import { shared } from '../styles';
import '../components/notification-preferences';

/** The operator's own profile: the name customers see, the signature under replies, the password. */
export class ProfileView extends LitElement {
  static override properties = {
    me: { attribute: false },
    busy: { state: true },
    problem: { state: true },
    notice: { state: true },
    passwordProblem: { state: true },
    passwordNotice: { state: true },
  };
  declare me: OperatorView;
  declare busy: boolean;
  declare problem: string | null;
  declare notice: string | null;
  declare passwordProblem: string | null;
  declare passwordNotice: string | null;

  static override styles = [shared, css`
    form { display: flex; flex-direction: column; gap: 0.75rem; max-width: 560px; }
    section { margin-bottom: 1.5rem; }
    textarea { min-height: 6rem; }
  `];

  constructor() {
    super();
    this.busy = false;
    this.problem = null;
    this.notice = null;
    this.passwordProblem = null;
    this.passwordNotice = null;
  }

  private async save(event: SubmitEvent) {
    event.preventDefault();
    const data = new FormData(event.target as HTMLFormElement);
    const name = String(data.get('name') ?? '').trim();
    if (!name) {
      this.problem = 'Your name must not be empty: customers see it with every reply.';
      return;
    }
    this.busy = true;
    this.problem = null;
    this.notice = null;
    try {
      const updated = await api.patch<OperatorView>('/api/me', { name, signature: String(data.get('signature') ?? '') });
      forgetOperators();
      this.dispatchEvent(new CustomEvent<OperatorView>('profile-changed', { detail: updated, bubbles: true, composed: true }));
      this.notice = 'Saved. Customers see this name and signature with your next reply.';
    } catch (error) {
      this.problem = (error as Error).message;
    } finally {
      this.busy = false;
    }
  }

  private async changePassword(event: SubmitEvent) {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    const data = new FormData(form);
    const currentPassword = String(data.get('currentPassword') ?? '');
    const newPassword = String(data.get('newPassword') ?? '');
    if (newPassword !== String(data.get('repeatPassword') ?? '')) {
      this.passwordProblem = 'The new password and its repetition differ.';
      return;
    }
    this.busy = true;
    this.passwordProblem = null;
    this.passwordNotice = null;
    try {
      await api.post('/api/me/password', { currentPassword, newPassword });
      form.reset();
      this.passwordNotice = 'Password changed. You stay logged in here; everywhere else you were logged out.';
    } catch (error) {
      this.passwordProblem = (error as Error).message;
    } finally {
      this.busy = false;
    }
  }

  override render() {
    return html`
      <h1>Your profile</h1>
      <section class="card" aria-labelledby="shown-title">
        <h2 id="shown-title">What customers see</h2>
        <form @submit=${this.save} novalidate>
          <div class="field">
            <label for="name">Display name</label>
            <input id="name" name="name" .value=${this.me.name} maxlength="100" required autocomplete="name">
            <span class="muted small">Shown with your replies, on the ticket page and in the mail.</span>
          </div>
          <div class="field">
            <label for="signature">Signature</label>
            <textarea id="signature" name="signature" maxlength=${MAX_SIGNATURE_LENGTH} .value=${this.me.signature ?? ''}
              placeholder=${`${this.me.name}\nSupport team`}></textarea>
            <span class="muted small">Added under each public reply you send. Leave empty for none.</span>
          </div>
          ${this.problem ? html`<p class="error" role="alert">${this.problem}</p>` : null}
          ${this.notice ? html`<p class="notice" role="status">${this.notice}</p>` : null}
          <div class="row"><button class="primary" type="submit" ?disabled=${this.busy}>Save</button></div>
        </form>
      </section>
      <section class="card" aria-labelledby="notifications-title">
        <h2 id="notifications-title">Notifications</h2>
        <notification-preferences></notification-preferences>
      </section>
      <section class="card" aria-labelledby="password-title">
        <h2 id="password-title">Password</h2>
        <form @submit=${this.changePassword} novalidate>
          <div class="field">
            <label for="currentPassword">Current password</label>
            <input id="currentPassword" name="currentPassword" type="password" autocomplete="current-password" required>
          </div>
          <div class="field">
            <label for="newPassword">New password</label>
            <input id="newPassword" name="newPassword" type="password" autocomplete="new-password" minlength=${MIN_PASSWORD_LENGTH} required>
            <span class="muted small">At least ${MIN_PASSWORD_LENGTH} characters, and not easy to guess: a few unrelated words work well.</span>
          </div>
          <div class="field">
            <label for="repeatPassword">New password again</label>
            <input id="repeatPassword" name="repeatPassword" type="password" autocomplete="new-password" required>
          </div>
          ${this.passwordProblem ? html`<p class="error" role="alert">${this.passwordProblem}</p>` : null}
          ${this.passwordNotice ? html`<p class="notice" role="status">${this.passwordNotice}</p>` : null}
          <div class="row"><button type="submit" ?disabled=${this.busy}>Change password</button></div>
        </form>
      </section>
    `;
  }
}
customElements.define('profile-view', ProfileView);
