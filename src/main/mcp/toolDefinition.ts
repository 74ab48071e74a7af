import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult, ToolAnnotations } from '@modelcontextprotocol/sdk/types.js';
import type { z } from 'zod';
import { errorText } from '../../shared/errorText';
import type { Logger } from '../core/logger';
import { refusal } from './toolAnswers';

/** Reads the monitor and changes nothing: a client may call it without asking its user. */
export const READ_ONLY: ToolAnnotations = { readOnlyHint: true, openWorldHint: false };

/** Stops or unloads something on the user's machine: a client should ask its user first. */
export const DESTRUCTIVE: ToolAnnotations = {
  readOnlyHint: false,
  destructiveHint: true,
  idempotentHint: false,
  openWorldHint: false,
};

/** One tool, as it is written: its schemas, the words a model acts on, and what answers it. */
export interface ToolSpec<Input extends z.ZodType<object>> {
  readonly name: string;
  readonly title: string;
  /** What it answers or does, and when to call it: a model picks tools by this. */
  readonly description: string;
  readonly input: Input;
  /** The shape of `structuredContent`, for a client to check and a model to rely on. */
  readonly output?: z.ZodObject;
  readonly annotations: ToolAnnotations;
  readonly run: (args: z.output<Input>) => CallToolResult | Promise<CallToolResult>;
}

/** A tool ready to be offered: whatever its arguments, all tools look alike to the server. */
export interface Tool {
  readonly name: string;
  readonly annotations: ToolAnnotations;
  register(server: McpServer, log: Logger): void;
}

export function defineTool<Input extends z.ZodType<object>>(spec: ToolSpec<Input>): Tool {
  return {
    name: spec.name,
    annotations: spec.annotations,
    register(server, log) {
      // Seen by the SDK as any object schema: its own typing of the arguments cannot follow a type parameter.
      const input: z.ZodType<object> = spec.input;
      server.registerTool(
        spec.name,
        {
          title: spec.title,
          description: spec.description,
          inputSchema: input,
          outputSchema: spec.output,
          annotations: { title: spec.title, ...spec.annotations },
        },
        async (checked) => {
          log.debug(`tool ${spec.name}`);
          try {
            // The SDK has checked the arguments against the same schema; parsing again gives them their type.
            return await spec.run(spec.input.parse(checked));
          } catch (error) {
            // A mistake of this program, or a failure no answer foresaw: said to the model, and the server goes on.
            log.warn(`tool ${spec.name} failed: ${errorText(error)}`);
            return refusal(`${spec.title} failed: ${errorText(error)}`);
          }
        },
      );
    },
  };
}
