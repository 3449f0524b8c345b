// The first app, from the README: Ada writes a post and watches it; Bob likes it (Ada's screen
// hears it at once, and a job emails Ada), likes it again (which unlikes), and uploads his avatar
// into his own folder, but not into Ada's. Only @floe/sdk and the anon key: no backend code.
//
//   ANON_KEY=<anon key> node examples/first-app/app.mjs        (FLOE_URL, default http://localhost:54321)
import { createClient } from '@floe/sdk'
import WebSocket from 'ws'

const url = process.env.FLOE_URL ?? 'http://localhost:54321'
const anonKey = process.env.ANON_KEY
if (!anonKey) {
  console.error('Set ANON_KEY to the anon key that `pnpm floe keys` prints.')
  process.exit(1)
}

/** One app user: a client of their own, signed up with a fresh email. */
async function signUp(name) {
  // Node 20 has no global WebSocket: realtime uses the `ws` package (browsers and Node 22+ need nothing).
  const floe = createClient(url, anonKey, { auth: { persistSession: false }, realtime: { transport: WebSocket } })
  const email = `${name.toLowerCase()}-${Date.now()}@example.com`
  const { data, error } = await floe.auth.signUp({ email, password: `${name} picks a long password`, options: { data: { name } } })
  if (error) throw error
  if (!data.session) throw new Error('no session: start Floe with AUTH_REQUIRE_EMAIL_VERIFICATION=false for this walkthrough')
  console.log(`${name} signed up as ${email}`)
  return { floe, id: data.user.id, name }
}

const must = ({ data, error }) => {
  if (error) throw error
  return data
}

const ada = await signUp('Ada')
const bob = await signUp('Bob')

// Ada writes a post and opens her screen: new likes on her post arrive over realtime.
const post = must(await ada.floe.from('posts').insert({ title: 'Hello, Floe' }).select().single())
console.log(`Ada posted #${post.id} "${post.title}"`)
const heard = new Promise((resolve) => {
  ada.floe
    .channel('my-post-likes')
    .on('postgres_changes', { event: 'INSERT', schema: 'public', table: 'likes', filter: `post_id=eq.${post.id}` }, (change) => resolve(change.new))
    .subscribe((status) => status === 'SUBSCRIBED' && console.log('Ada is watching her post'))
})
await new Promise((resolve) => setTimeout(resolve, 500))

// Bob reads the public posts and likes Ada's.
const posts = must(await bob.floe.from('posts').select('id, title'))
console.log(`Bob sees ${posts.length} post(s)`)
console.log(`Bob likes #${post.id}: liked = ${must(await bob.floe.rpc('toggle_like', { post: post.id }))}`)
const like = await heard
console.log(`Ada's screen: a like on #${like.post_id} from ${like.user_id === bob.id ? 'Bob' : like.user_id}`)

// Rules: Bob may not like as Ada.
const forged = await bob.floe.from('likes').insert({ post_id: post.id, user_id: ada.id })
console.log(`Bob liking as Ada: ${forged.error ? `refused (${forged.error.code})` : 'allowed?!'}`)

// Liking twice unlikes.
console.log(`Bob likes #${post.id} again: liked = ${must(await bob.floe.rpc('toggle_like', { post: post.id }))}`)
const likes = must(await bob.floe.from('likes').select('user_id').eq('post_id', post.id))
console.log(`#${post.id} has ${likes.length} like(s)`)

// Avatars: Bob uploads into his own folder; Ada's folder is closed to him.
const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64')
const mine = await bob.floe.storage.from('avatars').upload(`${bob.id}/avatar.png`, png, { contentType: 'image/png', upsert: true })
console.log(`Bob uploads ${bob.id}/avatar.png: ${mine.error ? `refused (${mine.error.message})` : 'stored'}`)
console.log(`  public URL: ${bob.floe.storage.from('avatars').getPublicUrl(`${bob.id}/avatar.png`).data.publicUrl}`)
const theirs = await bob.floe.storage.from('avatars').upload(`${ada.id}/avatar.png`, png, { contentType: 'image/png' })
console.log(`Bob uploads into Ada's folder: ${theirs.error ? 'refused' : 'stored?!'}`)

await ada.floe.removeAllChannels()
console.log('done')
process.exit(0)
