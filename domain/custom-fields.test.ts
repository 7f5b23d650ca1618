import { CustomFieldDefinition, definitionProblem, fieldFilter, fieldValue, fieldValues } from './custom-fields';

const field = (type: CustomFieldDefinition['type'], options: string[] = []): CustomFieldDefinition => ({ key: 'f', label: 'Field', type, options, widget: false });

describe('custom field values', () => {
  it.each<[CustomFieldDefinition['type'], string[], unknown, unknown]>([
    ['text', [], '  ABC-123 ', 'ABC-123'],
    ['number', [], '42', 42],
    ['number', [], 3.5, 3.5],
    ['date', [], '2026-12-24', '2026-12-24'],
    ['select', ['free', 'pro'], 'pro', 'pro'],
    ['multiselect', ['billing', 'api', 'mobile'], 'api, billing,api', ['api', 'billing']],
    ['text', [], '', null],
    ['multiselect', ['a'], [], null],
  ])('a %s field takes %j as %j', (type, options, raw, value) => {
    expect(fieldValue(field(type, options), raw)).toEqual({ value });
  });

  it.each<[CustomFieldDefinition['type'], string[], unknown]>([
    ['number', [], 'many'],
    ['date', [], '2026-02-30'],
    ['date', [], '24.12.2026'],
    ['select', ['free', 'pro'], 'enterprise'],
    ['multiselect', ['a', 'b'], ['a', 'c']],
    ['text', [], 'x'.repeat(1001)],
    ['text', [], { nested: true }],
  ])('a %s field refuses %j', (type, options, raw) => {
    expect(fieldValue(field(type, options), raw)).toHaveProperty('problem');
  });

  it('refuses a field nobody defined, unless told to leave it out', () => {
    expect(fieldValues([field('text')], { g: 'x' })).toHaveProperty('problem');
    expect(fieldValues([field('text')], { g: 'x', f: 'y' }, { ignoreUnknown: true })).toEqual({ values: { f: 'y' } });
  });

  it('holds a definition to what a field is', () => {
    expect(definitionProblem({ key: 'plan', label: 'Plan', type: 'select', options: ['free', 'pro'] })).toBeNull();
    expect(definitionProblem({ key: 'Plan', label: 'Plan', type: 'text', options: [] })).not.toBeNull();
    expect(definitionProblem({ key: 'plan', label: 'Plan', type: 'select', options: [] })).not.toBeNull();
    expect(definitionProblem({ key: 'plan', label: 'Plan', type: 'text', options: ['x'] })).not.toBeNull();
    expect(definitionProblem({ key: 'plan', label: 'Plan', type: 'select', options: ['a', 'a'] })).not.toBeNull();
  });
});

describe('filtering by a field', () => {
  const plan = { key: 'plan', label: 'Plan', type: 'select' as const, options: ['free', 'pro'], widget: false };
  const areas = { key: 'areas', label: 'Areas', type: 'multiselect' as const, options: ['api', 'billing'], widget: false };
  const seats = { key: 'seats', label: 'Seats', type: 'number' as const, options: [], widget: false };
  it('types each value as its field does; choices of a several-choices field must all be there', () => {
    expect(fieldFilter([plan, areas, seats], ['plan:pro', 'areas:api', 'areas:billing', 'seats:12'])).toEqual({ fields: { plan: 'pro', areas: ['api', 'billing'], seats: 12 } });
  });
  it('refuses a field nobody defined and a value the field does not take', () => {
    expect(fieldFilter([plan], ['colour:red'])).toHaveProperty('problem');
    expect(fieldFilter([plan], ['plan:enterprise'])).toHaveProperty('problem');
    expect(fieldFilter([seats], ['seats:many'])).toHaveProperty('problem');
  });
});
