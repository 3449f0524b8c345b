import { useState } from 'react'
import { Button } from './Button'
import { useToast } from './Toast'

/** Copies `value` to the clipboard and says so. */
export function CopyButton({ value, label = 'Copy', what = 'Value' }: { value: string; label?: string; what?: string }) {
  const [copied, setCopied] = useState(false)
  const toast = useToast()
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(value)
      setCopied(true)
      setTimeout(() => setCopied(false), 1500)
    } catch {
      toast.error('The browser refused the clipboard: select the text and copy it')
    }
  }
  return (
    <Button size="sm" onClick={() => void copy()} aria-label={`${label} ${what.toLowerCase()}`}>
      {copied ? 'Copied' : label}
    </Button>
  )
}
