import type { WorkshopId } from "../../shared/ids.ts";

/** The secret travels in the fragment: browsers never send it to servers, proxies or logs. */
export function facilitatorUrl(publicUrl: string, workshopId: WorkshopId, token: string): string {
  return `${publicUrl}/w/${workshopId}/facilitate#key=${token}`;
}

export function screenUrl(publicUrl: string, workshopId: WorkshopId, token: string): string {
  return `${publicUrl}/w/${workshopId}/screen#key=${token}`;
}

export function joinUrl(publicUrl: string, joinCode: string): string {
  return `${publicUrl}/join/${joinCode}`;
}
