export const home = 'home v1'
