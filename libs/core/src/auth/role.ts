export enum Role {
  Enterprise = 'enterprise',
  Institute = 'institute',
  Operator = 'operator',
  Admin = 'admin',
}
