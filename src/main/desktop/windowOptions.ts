/** The window's place and size, as remembered. */
export interface WindowBounds {
  readonly x?: number;
  readonly y?: number;
  readonly width: number;
  readonly height: number;
}

export const MIN_WIDTH = 900;
export const MIN_HEIGHT = 600;

export { CONTENT_SECURITY_POLICY } from '../../shared/contentSecurityPolicy';
