// The Tasks extension (io.modelcontextprotocol/tasks, SEP-2663): one interface file, one file per concern.
export {
  TASKS_EXTENSION_ID,
  TASKS_NAMESPACE,
  TASK_INPUTS_NAMESPACE,
  TERMINAL_TASK_STATUSES,
  isTerminalTaskStatus,
  type TaskSupport,
  type TaskResumePolicy,
  type TaskStatus,
  type TaskInfo,
  type TaskError,
  type DetailedTask,
  type TaskProgress,
  type TaskCreator,
  type StoredTask,
  type TaskHandle,
} from "./task-types.js";
export {
  createTaskRuntime,
  taskRuntimeFor,
  type TaskRuntime,
  type TaskRuntimeOptions,
  type TaskExecutor,
  type NewTask,
} from "./task-runtime.js";
export type { TaskJob, TaskJobHooks } from "./task-worker.js";
export { attachTasks, type TasksAttachment } from "./task-methods.js";
export { clientDeclaresTasks } from "./task-tools.js";
