/** Leads (意向对接): an enterprise's interest in a listing, routed to a base and an operator, up to the deal it becomes. */
export * from './lead-status.js';
export * from './lead.exception.js';
export * from './lead.entity.js';
export * from './lead-note.entity.js';
export * from './lead-access.js';
export * from './routing/lead-routing.js';
export * from './dto/lead.view.js';
export * from './leads.service.js';
export * from './leads.module.js';
