import { passwordProblem } from './passwords';

describe('new passwords', () => {
  it.each(['password123', 'qwerty123456', 'Password2024', 'admin12345', 'letmein2025', 'iloveyou12', 'aaaaaaaaaaaa'])('refuses %s, one attackers try first', (password) => {
    expect(passwordProblem(password)).toMatch(/too easy to guess/);
  });

  it('refuses a password made of the operator\'s own name or address', () => {
    expect(passwordProblem('olivia.martin', ['olivia.martin@helpdesk.test', 'Olivia Martin'])).toMatch(/too easy to guess/);
  });

  it('refuses a short one', () => {
    expect(passwordProblem('x7#Qp!')).toMatch(/at least 10 characters/);
  });

  it.each(['correct-horse-battery', 'nina-first-password', 'pw-9b1c2d3e-aaaa-bbbb', 'Tr4m-Lamp-Vivid-Oak'])('accepts %s', (password) => {
    expect(passwordProblem(password)).toBeNull();
  });
});
