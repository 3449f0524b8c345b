/**
 * The Storage screen in Chromium against a real `floe start`: create a private bucket, a folder,
 * upload a PNG (progress to 100%), see its preview (the private bytes fetched with the admin's
 * session), make a signed URL and fetch it from Node with no credentials, delete the file.
 */
import { randomBytes } from 'node:crypto'
import { deflateSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { haveChromium, startDashboardHarness, type DashboardHarness } from './harness.js'

/** A real 16×16 PNG (a blue square), built here so the test needs no fixture file. */
function tinyPng(): Buffer {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
    return c >>> 0
  })
  const crc = (b: Buffer) => {
    let c = 0xffffffff
    for (const x of b) c = crcTable[(c ^ x) & 0xff]! ^ (c >>> 8)
    return (c ^ 0xffffffff) >>> 0
  }
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data])
    const out = Buffer.alloc(12 + data.length)
    out.writeUInt32BE(data.length, 0)
    body.copy(out, 4)
    out.writeUInt32BE(crc(body), 8 + data.length)
    return out
  }
  const size = 16
  const ihdr = Buffer.alloc(13)
  ihdr.writeUInt32BE(size, 0)
  ihdr.writeUInt32BE(size, 4)
  ihdr.set([8, 2, 0, 0, 0], 8) // 8-bit RGB
  const row = Buffer.concat([Buffer.from([0]), Buffer.alloc(size * 3, Buffer.from([37, 99, 235]))])
  const raw = Buffer.concat(Array.from({ length: size }, () => row))
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))])
}

describe.skipIf(!haveChromium)('dashboard storage', () => {
  let h: DashboardHarness

  beforeAll(async () => {
    h = await startDashboardHarness()
  })
  afterAll(async () => {
    await h?.close()
  })

  it('creates a private bucket and a folder, uploads, previews, signs and deletes a file', async () => {
    const page = await h.newPage()
    await h.openDashboard(page, { path: 'storage' })
    const bucket = `pics-${randomBytes(3).toString('hex')}`

    await page.getByRole('button', { name: 'New bucket' }).first().click()
    const dialog = page.getByRole('dialog', { name: 'New bucket' })
    await dialog.getByLabel('Name').fill(bucket)
    await dialog.getByRole('button', { name: 'Create bucket' }).click()
    await dialog.waitFor({ state: 'detached' })
    await page.getByRole('navigation', { name: 'Buckets' }).getByRole('button', { name: bucket }).waitFor()
    await page.getByRole('navigation', { name: 'Folder path' }).getByText(bucket).waitFor()

    await page.getByRole('button', { name: 'New folder' }).click()
    const folder = page.getByRole('dialog', { name: 'New folder' })
    await folder.getByLabel('Folder name').fill('photos')
    await folder.getByRole('button', { name: 'Create folder' }).click()
    await folder.waitFor({ state: 'detached' })
    await page.getByRole('navigation', { name: 'Folder path' }).getByText('photos').waitFor()
    await page.getByText('Empty folder').waitFor()

    const png = tinyPng()
    await page.getByLabel('Files to upload').setInputFiles({ name: 'dot.png', mimeType: 'image/png', buffer: png })
    await page.getByTestId('upload-percent').filter({ hasText: '100%' }).waitFor()
    const row = page.getByRole('row').filter({ hasText: 'dot.png' })
    await row.waitFor()
    await row.click()

    const detail = page.getByRole('complementary', { name: 'File details' })
    const img = detail.getByRole('img', { name: 'Preview of photos/dot.png' })
    await img.waitFor()
    await expect.poll(() => img.evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth)).toBe(16)

    await detail.getByLabel('Signed URL expires in').selectOption({ label: '1 hour' })
    await detail.getByRole('button', { name: 'Copy signed URL' }).click()
    const signed = await detail.getByTestId('signed-url').inputValue()
    expect(signed).toMatch(new RegExp(`^${h.floe.url}/storage/v1/object/sign/${bucket}/photos/dot\\.png\\?token=`))
    const res = await fetch(signed)
    expect(res.status).toBe(200)
    expect(Buffer.from(await res.arrayBuffer()).equals(png)).toBe(true)
    // Private: without a signature the bytes are not public.
    expect((await fetch(`${h.floe.url}/storage/v1/object/public/${bucket}/photos/dot.png`)).status).toBeGreaterThanOrEqual(400)

    // Drag-and-drop onto the list uploads into the folder shown.
    const dropped = await page.evaluateHandle(() => {
      const dt = new DataTransfer()
      dt.items.add(new File(['hello from a drop'], 'dropped.txt', { type: 'text/plain' }))
      return dt
    })
    await page.getByTestId('storage-drop').dispatchEvent('drop', { dataTransfer: dropped })
    await page.getByRole('row').filter({ hasText: 'dropped.txt' }).waitFor()
    const got = await fetch(`${h.floe.url}/storage/v1/object/${bucket}/photos/dropped.txt`, { headers: { apikey: h.floe.serviceKey, authorization: `Bearer ${h.floe.serviceKey}` } })
    expect(await got.text()).toBe('hello from a drop')
    await h.screenshot(page, 'storage')

    await detail.getByRole('button', { name: 'Delete' }).click()
    const confirm = page.getByRole('dialog', { name: 'Delete this file?' })
    await confirm.getByRole('button', { name: 'Delete file' }).click()
    await confirm.waitFor({ state: 'detached' })
    await row.waitFor({ state: 'detached' })
    await page.getByRole('row').filter({ hasText: 'dropped.txt' }).waitFor()
    expect(page.errors).toEqual([])
    await page.context().close()
  })

  it('makes a bucket public (public URL), and resumes a large TUS upload after it failed', async () => {
    const page = await h.newPage()
    await h.openDashboard(page, { path: 'storage' })
    const bucket = `big-${randomBytes(3).toString('hex')}`
    await page.getByRole('button', { name: 'New bucket' }).first().click()
    const dialog = page.getByRole('dialog', { name: 'New bucket' })
    await dialog.getByLabel('Name').fill(bucket)
    await dialog.getByLabel('File size limit in MB').fill('20')
    await dialog.getByRole('button', { name: 'Create bucket' }).click()
    await dialog.waitFor({ state: 'detached' })
    await page.getByText('Private bucket · up to 20 MB a file').waitFor()

    await page.getByRole('button', { name: 'Settings' }).click()
    const settings = page.getByRole('dialog', { name: `Bucket settings: ${bucket}` })
    await settings.getByLabel(/^Public/).check()
    await settings.getByRole('button', { name: 'Save' }).click()
    await settings.waitFor({ state: 'detached' })
    await page.getByText('Public bucket · up to').waitFor()

    // 7 MB: over the simple-upload size, so it goes through TUS. Every PATCH fails at first
    // (tus-js-client retries, then gives up); Resume carries on once the network is back.
    const big = randomBytes(7 * 1024 * 1024)
    await page.route('**/storage/v1/upload/resumable/**', (route) => (route.request().method() === 'PATCH' ? route.abort() : route.continue()))
    await page.getByLabel('Files to upload').setInputFiles({ name: 'big.bin', mimeType: 'application/octet-stream', buffer: big })
    const upload = page.getByRole('region', { name: 'Uploads' }).getByRole('listitem').filter({ hasText: 'big.bin' })
    await upload.getByRole('button', { name: 'Resume' }).waitFor({ timeout: 30_000 })
    expect(await upload.getByTestId('upload-percent').textContent()).toBe('failed')
    await page.unroute('**/storage/v1/upload/resumable/**')
    await upload.getByRole('button', { name: 'Resume' }).click()
    await upload.getByTestId('upload-percent').filter({ hasText: '100%' }).waitFor({ timeout: 30_000 })
    expect(await upload.textContent()).toContain('resumable')
    const row = page.getByRole('row').filter({ hasText: 'big.bin' })
    await row.waitFor()
    expect(await row.textContent()).toContain('7.0 MB')
    await row.click()

    const detail = page.getByRole('complementary', { name: 'File details' })
    const publicUrl = await detail.getByRole('region', { name: 'Public URL' }).locator('code').textContent()
    expect(publicUrl).toBe(`${h.floe.url}/storage/v1/object/public/${bucket}/big.bin`)
    const res = await fetch(publicUrl!)
    expect(res.status).toBe(200)
    expect(Buffer.from(await res.arrayBuffer()).equals(big)).toBe(true)
    await h.screenshot(page, 'storage-public')

    await page.setViewportSize({ width: 420, height: 800 })
    await page.waitForTimeout(400) // the shell's drawer slides away
    await h.screenshot(page, 'storage-narrow')
    // The aborted PATCH requests are the test's own doing.
    expect(page.errors.filter((e) => !/ERR_FAILED/.test(e))).toEqual([])
    await page.context().close()
  })
})
