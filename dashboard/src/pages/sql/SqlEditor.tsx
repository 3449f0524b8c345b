/**
 * CodeMirror 6 with Postgres' SQL dialect, completion of the schema's tables and columns, and an
 * error mark. The parent drives it through a handle (text, selection, mark an error) because the
 * document lives in CodeMirror, not in React state: re-rendering on each keystroke is not needed.
 */
import { autocompletion, closeBrackets, closeBracketsKeymap, completionKeymap } from '@codemirror/autocomplete'
import { defaultKeymap, history, historyKeymap, indentWithTab } from '@codemirror/commands'
import { PostgreSQL, sql, type SQLNamespace } from '@codemirror/lang-sql'
import { bracketMatching, defaultHighlightStyle, syntaxHighlighting } from '@codemirror/language'
import { Compartment, EditorSelection, EditorState, Prec, StateEffect, StateField } from '@codemirror/state'
import { Decoration, drawSelection, EditorView, highlightActiveLine, keymap, lineNumbers, placeholder, type DecorationSet } from '@codemirror/view'
import { forwardRef, useEffect, useImperativeHandle, useRef } from 'react'

export interface SqlEditorHandle {
  getText(): string
  /** The selected text and where it starts, or undefined when nothing is selected. */
  getSelection(): { text: string; from: number } | undefined
  setText(text: string): void
  /** Marks [from, to) as the error and puts the cursor there; `undefined` clears the mark. */
  markError(range: { from: number; to: number } | undefined): void
  focus(): void
}

interface Props {
  initialText: string
  schema?: SQLNamespace
  onRun(): void
  onRunSelection(): void
  onChange?(text: string): void
}

const setError = StateEffect.define<{ from: number; to: number } | undefined>()
const errorMark = Decoration.mark({ class: 'cm-sql-error' })
const errorField = StateField.define<DecorationSet>({
  create: () => Decoration.none,
  update(marks, tr) {
    // Any edit clears the mark: the position no longer means anything.
    if (tr.docChanged) return Decoration.none
    for (const e of tr.effects) {
      if (e.is(setError)) return e.value && e.value.to > e.value.from ? Decoration.set([errorMark.range(e.value.from, e.value.to)]) : Decoration.none
    }
    return marks
  },
  provide: (f) => EditorView.decorations.from(f),
})

const theme = EditorView.theme({
  '&': { fontSize: '13px', height: '100%', backgroundColor: 'var(--surface)' },
  '.cm-content': { fontFamily: 'var(--mono)' },
  '.cm-gutters': { backgroundColor: 'var(--surface-2)', borderRight: '1px solid var(--border)', color: 'var(--muted)' },
  '.cm-scroller': { overflow: 'auto' },
  '&.cm-focused': { outline: 'none' },
})

function language(schema: SQLNamespace | undefined) {
  return sql({ dialect: PostgreSQL, schema, defaultSchema: 'public', upperCaseKeywords: false })
}

export const SqlEditor = forwardRef<SqlEditorHandle, Props>(function SqlEditor({ initialText, schema, onRun, onRunSelection, onChange }, ref) {
  const host = useRef<HTMLDivElement>(null)
  const view = useRef<EditorView>(null)
  const lang = useRef(new Compartment())
  const callbacks = useRef({ onRun, onRunSelection, onChange })
  callbacks.current = { onRun, onRunSelection, onChange }

  useEffect(() => {
    const runKeys = Prec.highest(
      keymap.of([
        { key: 'Mod-Enter', run: () => (callbacks.current.onRun(), true) },
        { key: 'Shift-Mod-Enter', run: () => (callbacks.current.onRunSelection(), true) },
      ]),
    )
    const v = new EditorView({
      parent: host.current!,
      state: EditorState.create({
        doc: initialText,
        extensions: [
          runKeys,
          lineNumbers(),
          history(),
          drawSelection(),
          highlightActiveLine(),
          bracketMatching(),
          closeBrackets(),
          autocompletion(),
          syntaxHighlighting(defaultHighlightStyle, { fallback: true }),
          keymap.of([...closeBracketsKeymap, ...defaultKeymap, ...historyKeymap, ...completionKeymap, indentWithTab]),
          lang.current.of(language(undefined)),
          errorField,
          placeholder('select * from …'),
          theme,
          EditorView.contentAttributes.of({ 'aria-label': 'SQL query' }),
          EditorView.updateListener.of((u) => u.docChanged && callbacks.current.onChange?.(u.state.doc.toString())),
        ],
      }),
    })
    view.current = v
    return () => v.destroy()
    // The editor is made once; the document is then changed through the handle.
  }, [])

  useEffect(() => {
    view.current?.dispatch({ effects: lang.current.reconfigure(language(schema)) })
  }, [schema])

  useImperativeHandle(ref, () => ({
    getText: () => view.current?.state.doc.toString() ?? '',
    getSelection() {
      const s = view.current?.state
      if (!s || s.selection.main.empty) return undefined
      const { from, to } = s.selection.main
      return { text: s.sliceDoc(from, to), from }
    },
    setText(text) {
      const v = view.current
      v?.dispatch({ changes: { from: 0, to: v.state.doc.length, insert: text }, selection: EditorSelection.cursor(text.length) })
    },
    markError(range) {
      const v = view.current
      if (!v) return
      if (!range) return void v.dispatch({ effects: setError.of(undefined) })
      const len = v.state.doc.length
      const from = Math.min(Math.max(range.from, 0), len)
      const to = Math.min(Math.max(range.to, from), len)
      v.dispatch({ effects: [setError.of({ from, to }), EditorView.scrollIntoView(from, { y: 'center' })], selection: EditorSelection.cursor(from) })
      v.focus()
    },
    focus: () => view.current?.focus(),
  }))

  return <div ref={host} className="sql-editor" data-testid="sql-editor" />
})
