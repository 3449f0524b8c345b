import type { Router } from '../http/index.js'
import type { StorageService } from './service.js'

export type StorageRouter = Router
export interface StorageRouteDeps {
  service: StorageService
  publicUrl: string
}

