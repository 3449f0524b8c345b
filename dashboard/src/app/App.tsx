/** Providers and routes. Every screen route comes from SCREENS; sign-in and setup sit outside the shell. */
import { QueryClient, QueryClientProvider } from '@tanstack/react-query'
import { lazy, Suspense } from 'react'
import { BrowserRouter, Navigate, Route, Routes } from 'react-router'
import { EmptyState, Loading, ToastProvider } from '../components'
import { ApiError } from '../lib/api'
import { AuthProvider } from '../lib/auth'
import { SCREENS } from '../screens'
import { RequireAdmin } from './RequireAdmin'
import { Shell } from './Shell'

const SignInPage = lazy(() => import('../pages/signin/index'))
const SetupPage = lazy(() => import('../pages/setup/index'))

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      staleTime: 10_000,
      refetchOnWindowFocus: false,
      // A 4xx will not change on retry; a network blip or a 5xx might.
      retry: (count, err) => !(err instanceof ApiError && err.status < 500) && count < 2,
    },
  },
})

export function App() {
  return (
    <QueryClientProvider client={queryClient}>
      <ToastProvider>
        <AuthProvider>
          <BrowserRouter basename="/dashboard">
            <Suspense fallback={<Loading />}>
              <Routes>
                <Route path="signin" element={<SignInPage />} />
                <Route path="setup" element={<SetupPage />} />
                <Route
                  element={
                    <RequireAdmin>
                      <Shell />
                    </RequireAdmin>
                  }
                >
                  <Route index element={<Navigate to="/tables" replace />} />
                  {SCREENS.map((s) => (
                    <Route key={s.path} path={`${s.path}/*`} element={<s.page />} />
                  ))}
                  <Route path="*" element={<EmptyState title="No such screen">Choose a screen from the sidebar.</EmptyState>} />
                </Route>
              </Routes>
            </Suspense>
          </BrowserRouter>
        </AuthProvider>
      </ToastProvider>
    </QueryClientProvider>
  )
}
