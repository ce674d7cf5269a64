import { demoWorld, type Caller, type DemoWorld } from './api';

/** Uploads a file for an import the way the mini-program does (under uploads/imports/), returning its fileID. */
export async function uploadImport(world: DemoWorld, buf: Buffer, name = 'members.xlsx'): Promise<string> {
  const res = await world.admin.uploadFile({
    cloudPath: `uploads/imports/${Date.now()}-${Math.random().toString(36).slice(2)}-${name}`,
    fileContent: buf,
  });
  return res.fileID;
}

/** A fresh demo world and its grassroots union's admin, who imports. */
export async function grassrootsWorld(): Promise<{ world: DemoWorld; admin: Caller; grassroots: string }> {
  const world = await demoWorld();
  return { world, admin: world.as('demo-admin-grassroots'), grassroots: world.union('grassroots') };
}
