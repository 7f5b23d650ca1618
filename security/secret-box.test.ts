import { open, seal } from './secret-box';

const secret = 'unit-test-secret-0123456789abcdef0123456789';

it('seals a credential so only the same SECRET_KEY opens it, and tampering shows', () => {
  const sealed = seal(secret, 'imaps://support:p%40ss@imap.example.com/INBOX');
  expect(sealed).not.toContain('p%40ss');
  expect(open(secret, sealed)).toBe('imaps://support:p%40ss@imap.example.com/INBOX');
  expect(seal(secret, 'same')).not.toBe(seal(secret, 'same'));
  expect(() => open('another-secret-0123456789abcdef0123456789', sealed)).toThrow();
  const [v, iv, tag, body] = sealed.split('.') as [string, string, string, string];
  const flipped = (body[0] === 'A' ? 'B' : 'A') + body.slice(1);
  expect(() => open(secret, [v, iv, tag, flipped].join('.'))).toThrow();
});
