// The worker's workflow bundle entry: every workflow type the helpdesk runs.
export { ticketWorkflow } from './ticket/workflow';
export { mailboxWorkflow } from './mailbox/workflow';
export { slaRolloutWorkflow } from './sla/workflow';
export { teamDispatcherWorkflow } from './team-dispatcher/workflow';
export { mailSenderWorkflow } from './mail-sender/workflow';
