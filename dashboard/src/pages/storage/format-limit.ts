/** A bucket's size limit as people write it (decimal units, as the limit was set). */
export const formatLimit = (bytes: number) => (bytes >= 1e6 ? `${+(bytes / 1e6).toFixed(2)} MB` : bytes >= 1e3 ? `${+(bytes / 1e3).toFixed(2)} kB` : `${bytes} B`)
