/** Identity: organisations (with credit-code checks), users, passwords, tokens, login throttling and the global access guard. */
export * from './organizations/credit-code.js';
export * from './organizations/is-credit-code.decorator.js';
export * from './organizations/organizations.service.js';
export * from './organizations/organization.entity.js';
export * from './users/user.entity.js';
export * from './auth/refresh-token.entity.js';
export * from './auth/tokens.service.js';
export * from './auth/access-token.verifier.js';
export * from './auth/login-throttle.service.js';
export * from './access/access.guard.js';
export * from './identity.exception.js';
export * from './users/users.service.js';
export * from './identity.module.js';
