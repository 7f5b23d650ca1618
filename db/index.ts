import {
  Sequelize,
  Model,
  DataTypes,
  InferAttributes,
  InferCreationAttributes,
  CreationOptional,
} from 'sequelize';
import type { TicketPriority, TicketSource, TicketStatus, CommentVisibility } from '../domain/ticket';
import type { OperatorRole } from '../domain/operator';

export class Operator extends Model<InferAttributes<Operator>, InferCreationAttributes<Operator>> {
  declare id: CreationOptional<number>;
  declare email: string;
  declare name: string;
  declare passwordHash: string;
  declare role: OperatorRole;
  declare active: CreationOptional<boolean>;
  /** Added under their public replies. */
  declare signature: CreationOptional<string | null>;
  /** Takes tickets from their teams' dispatchers now. */
  declare available: CreationOptional<boolean>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;
}

export class Session extends Model<InferAttributes<Session>, InferCreationAttributes<Session>> {
  declare tokenHash: string;
  declare operatorId: number;
  declare csrfToken: string;
  declare expiresAt: Date;
  declare createdAt: CreationOptional<Date>;
}

export class Customer extends Model<InferAttributes<Customer>, InferCreationAttributes<Customer>> {
  declare id: CreationOptional<number>;
  declare email: string | null;
  declare externalId: string | null;
  declare firstName: string | null;
  declare lastName: string | null;
  declare phone: string | null;
  declare company: string | null;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;
}

export class Ticket extends Model<InferAttributes<Ticket>, InferCreationAttributes<Ticket>> {
  declare number: number;
  declare publicTokenHash: string;
  declare tokenVersion: number;
  declare subject: string;
  declare status: TicketStatus;
  declare priority: TicketPriority;
  declare source: TicketSource;
  declare assigneeId: number | null;
  declare customerId: number | null;
  declare contactEmail: string | null;
  declare contactPhone: string | null;
  declare contactFirstName: string | null;
  declare contactLastName: string | null;
  declare contactEmailVerified: CreationOptional<boolean>;
  declare externalId: string | null;
  declare mailbox: string | null;
  declare eventSeq: number;
  declare commentCount: number;
  declare createdAt: Date;
  declare updatedAt: Date;
  declare closedAt: Date | null;
}

export class Comment extends Model<InferAttributes<Comment>, InferCreationAttributes<Comment>> {
  declare id: CreationOptional<string>;
  declare ticketNumber: number;
  declare eventSeq: number;
  declare visibility: CommentVisibility;
  declare authorKind: 'operator' | 'customer' | 'system';
  declare authorId: number | null;
  declare body: string;
  declare channel: string;
  declare messageKey: string | null;
  declare createdAt: Date;
}

export class TicketEventRow extends Model<InferAttributes<TicketEventRow>, InferCreationAttributes<TicketEventRow>> {
  declare id: CreationOptional<string>;
  declare ticketNumber: number;
  declare seq: number;
  declare type: string;
  declare actorKind: string;
  declare actorId: number | null;
  declare changes: Record<string, { from: unknown; to: unknown }>;
  declare createdAt: Date;
}

export class Notification extends Model<InferAttributes<Notification>, InferCreationAttributes<Notification>> {
  declare key: string;
  declare ticketNumber: number;
  declare kind: string;
  declare recipient: string;
  declare messageId: string;
  declare status: 'sending' | 'sent' | 'skipped';
  declare attempts: CreationOptional<number>;
  declare sentAt: Date | null;
  declare createdAt: CreationOptional<Date>;
}

export interface Database {
  sequelize: Sequelize;
  Operator: typeof Operator;
  Session: typeof Session;
  Customer: typeof Customer;
  Ticket: typeof Ticket;
  Comment: typeof Comment;
  TicketEventRow: typeof TicketEventRow;
  Notification: typeof Notification;
}

const common = { underscored: true, freezeTableName: true } as const;

/**
 * Connects and defines the models. Each call gets its own Sequelize instance, so tests
 * and processes never share hidden state.
 */
export function connectDatabase(url: string, options: { logging?: (sql: string) => void; poolMax?: number } = {}): Database {
  const sequelize = new Sequelize(url, {
    dialect: 'postgres',
    logging: options.logging ?? false,
    pool: { max: options.poolMax ?? 10, min: 0, idle: 10_000 },
    // No JIT: every statement here is a short one, and the planner's guess of the rows a
    // JSON recordset joins (a change's bell entries) put the write of each change over
    // jit_above_cost, so PostgreSQL compiled 68 functions for it: 50 ms of CPU per ticket.
    dialectOptions: { options: '-c jit=off' },
  });
  const text = DataTypes.TEXT;
  // Fresh objects each time: Sequelize writes the column name into the definition it is given.
  const nullableText = () => ({ type: DataTypes.TEXT, allowNull: true });
  const nullableInt = () => ({ type: DataTypes.INTEGER, allowNull: true });
  // Sequelize's own subclasses per instance: the model classes above carry the types only.
  class O extends Operator {}
  class S extends Session {}
  class C extends Customer {}
  class T extends Ticket {}
  class Cm extends Comment {}
  class E extends TicketEventRow {}
  class N extends Notification {}

  O.init({
    id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
    email: { type: text, allowNull: false },
    name: { type: text, allowNull: false },
    passwordHash: { type: text, allowNull: false },
    role: { type: text, allowNull: false },
    active: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: true },
    signature: { type: text, allowNull: true },
    available: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
    createdAt: DataTypes.DATE,
    updatedAt: DataTypes.DATE,
  }, { sequelize, tableName: 'operators', ...common });

  S.init({
    tokenHash: { type: text, primaryKey: true },
    operatorId: { type: DataTypes.INTEGER, allowNull: false },
    csrfToken: { type: text, allowNull: false },
    expiresAt: { type: DataTypes.DATE, allowNull: false },
    createdAt: DataTypes.DATE,
  }, { sequelize, tableName: 'sessions', updatedAt: false, ...common });

  C.init({
    id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
    email: nullableText(),
    externalId: nullableText(),
    firstName: nullableText(),
    lastName: nullableText(),
    phone: nullableText(),
    company: nullableText(),
    createdAt: DataTypes.DATE,
    updatedAt: DataTypes.DATE,
  }, { sequelize, tableName: 'customers', ...common });

  T.init({
    number: { type: DataTypes.INTEGER, primaryKey: true },
    publicTokenHash: { type: text, allowNull: false },
    tokenVersion: { type: DataTypes.INTEGER, allowNull: false },
    subject: { type: text, allowNull: false },
    status: { type: text, allowNull: false },
    priority: { type: text, allowNull: false },
    source: { type: text, allowNull: false },
    assigneeId: nullableInt(),
    customerId: nullableInt(),
    contactEmail: nullableText(),
    contactPhone: nullableText(),
    contactFirstName: nullableText(),
    contactLastName: nullableText(),
    contactEmailVerified: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: true },
    externalId: nullableText(),
    mailbox: nullableText(),
    eventSeq: { type: DataTypes.INTEGER, allowNull: false },
    commentCount: { type: DataTypes.INTEGER, allowNull: false },
    createdAt: DataTypes.DATE,
    updatedAt: DataTypes.DATE,
    closedAt: { type: DataTypes.DATE, allowNull: true },
  }, { sequelize, tableName: 'tickets', timestamps: false, ...common });

  Cm.init({
    id: { type: DataTypes.BIGINT, autoIncrement: true, primaryKey: true },
    ticketNumber: { type: DataTypes.INTEGER, allowNull: false },
    eventSeq: { type: DataTypes.INTEGER, allowNull: false },
    visibility: { type: text, allowNull: false },
    authorKind: { type: text, allowNull: false },
    authorId: nullableInt(),
    body: { type: text, allowNull: false },
    channel: { type: text, allowNull: false },
    messageKey: nullableText(),
    createdAt: DataTypes.DATE,
  }, { sequelize, tableName: 'comments', timestamps: false, ...common });

  E.init({
    id: { type: DataTypes.BIGINT, autoIncrement: true, primaryKey: true },
    ticketNumber: { type: DataTypes.INTEGER, allowNull: false },
    seq: { type: DataTypes.INTEGER, allowNull: false },
    type: { type: text, allowNull: false },
    actorKind: { type: text, allowNull: false },
    actorId: nullableInt(),
    changes: { type: DataTypes.JSONB, allowNull: false },
    createdAt: DataTypes.DATE,
  }, { sequelize, tableName: 'ticket_events', timestamps: false, ...common });

  N.init({
    key: { type: text, primaryKey: true },
    ticketNumber: { type: DataTypes.INTEGER, allowNull: false },
    kind: { type: text, allowNull: false },
    recipient: { type: text, allowNull: false },
    messageId: { type: text, allowNull: false },
    status: { type: text, allowNull: false },
    attempts: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
    sentAt: { type: DataTypes.DATE, allowNull: true },
    createdAt: DataTypes.DATE,
  }, { sequelize, tableName: 'notifications', updatedAt: false, ...common });

  return { sequelize, Operator: O, Session: S, Customer: C, Ticket: T, Comment: Cm, TicketEventRow: E, Notification: N };
}

/** Whether PostgreSQL answers (the health check). */
export async function databaseAnswers(db: Database): Promise<boolean> {
  await db.sequelize.query('SELECT 1');
  return true;
}

/**
 * A text[] literal for a `:name::text[]` replacement: Sequelize spreads a JS array into a
 * list of values, which is an IN list, not an array.
 */
export function textArray(values: readonly string[]): string {
  return `{${values.map((value) => `"${value.replace(/["\\]/g, '\\$&')}"`).join(',')}}`;
}

/** An int[] literal for a `:name::int[]` replacement (whole numbers only, so nothing else can reach the SQL). */
export function intArray(values: readonly number[]): string {
  return `{${values.map((value) => Math.trunc(value)).join(',')}}`;
}
