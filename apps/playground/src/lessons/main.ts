// The lessons page: each lesson's text and its links into the playground.
import { LESSONS, playgroundHref } from './presets.js';

const list = document.getElementById('lessons')!;
for (const lesson of LESSONS) {
  const article = document.createElement('article');
  article.className = 'lesson';
  article.id = lesson.id;
  const title = document.createElement('h3');
  title.textContent = lesson.title;
  const text = document.createElement('p');
  text.textContent = lesson.text;
  const links = document.createElement('p');
  links.append('Try: ');
  lesson.links.forEach((link, i) => {
    const a = document.createElement('a');
    a.href = playgroundHref(link.settings);
    a.textContent = link.label;
    a.dataset.settings = JSON.stringify(link.settings);
    if (i > 0) links.append(' · ');
    links.append(a);
  });
  if (lesson.see) {
    const a = document.createElement('a');
    a.href = lesson.see.href;
    a.textContent = lesson.see.label;
    links.append(' · see also ', a);
  }
  article.append(title, text, links);
  list.append(article);
}
