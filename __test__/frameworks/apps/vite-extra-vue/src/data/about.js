export const about = 'about v1'
